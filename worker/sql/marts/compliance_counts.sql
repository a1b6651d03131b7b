-- one row per (check, studio) and per check overall (studio_id null) for the review month:
-- the messages that break the rule and the distinct leads they went to
with

checks as (
    select * from int_message_checks
    where local_date between $period_start::date and $period_end::date
),

long as (
    select studio_id, lead_key, 'sent_after_opt_out' as "check", business_days_after_opt_out > 10 as is_late
    from checks where is_sent_after_opt_out
    union all
    select studio_id, lead_key, 'unprocessed_opt_out_request', null
    from int_opt_out_requests
    where not is_processed and local_date between $period_start::date and $period_end::date
    union all
    select studio_id, lead_key, 'sent_to_deactivated', null from checks where is_sent_to_deactivated
    union all
    select studio_id, lead_key, 'sent_without_consent', null from checks where is_sent_without_consent
    union all
    select studio_id, lead_key, 'check_in_overdue', null from checks where is_check_in_overdue
    union all
    select studio_id, lead_key, 'quiet_hours', null from checks where is_quiet_hours
    union all
    select studio_id, lead_key, 'missing_sender_id', null from checks where is_missing_sender_id
),

per_studio as (
    select
        "check",
        studio_id,
        count(*)::integer as messages,
        count(distinct lead_key)::integer as leads,
        count(*) filter (where is_late)::integer as late_messages,
    from long
    group by "check", studio_id
),

overall as (
    select
        "check",
        null::varchar as studio_id,
        count(*)::integer as messages,
        count(distinct (studio_id, lead_key))::integer as leads,
        count(*) filter (where is_late)::integer as late_messages,
    from long
    group by "check"
),

final as (
    select * from overall
    union all
    select * from per_studio
)

select * from final
