-- one row per policy: the review month's reached messages it would have stopped, and the
-- opt-outs attributed to those messages, which it would have avoided
with

risks as (
    select * from int_message_checks
    where local_date between $period_start::date and $period_end::date
),

cohorts as (
    select message_id, sent_at, consent, engagement, sent_in_7d from int_messages_cohorts
),

requests as (
    select studio_id, lead_key, min(sent_at) as first_unprocessed_at
    from int_opt_out_requests where not is_processed group by all
),

flags as (
    select
        r.message_id,
        r.count_opt_outs,
        c.consent <> 'verified' as stop_unverified,
        c.engagement = '548d+' as stop_overdue,
        c.sent_in_7d > 3 as stop_over_cap,
        r.is_quiet_hours as stop_night,
        coalesce(q.first_unprocessed_at < c.sent_at, false) as stop_after_request,
    from risks r
    join cohorts c using (message_id)
    left join requests q on q.studio_id = r.studio_id and q.lead_key = r.lead_key
),

long as (
    select 'verified_consent_only' as policy, message_id, count_opt_outs from flags where stop_unverified
    union all
    select 'check_in_every_18_months', message_id, count_opt_outs from flags where stop_overdue
    union all
    select 'cap_3_per_week', message_id, count_opt_outs from flags where stop_over_cap
    union all
    select 'daytime_only', message_id, count_opt_outs from flags where stop_night
    union all
    select 'honour_free_text_requests', message_id, count_opt_outs from flags where stop_after_request
    union all
    select 'all_of_the_above', message_id, count_opt_outs from flags
    where stop_unverified or stop_overdue or stop_over_cap or stop_night or stop_after_request
),

final as (
    select
        policy,
        count(*)::integer as messages_avoided,
        coalesce(sum(count_opt_outs), 0)::integer as opt_outs_avoided,
    from long
    group by policy
)

select * from final
