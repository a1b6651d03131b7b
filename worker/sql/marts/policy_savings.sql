-- one row per policy: the review month's reached messages it would have stopped, and the
-- opt-outs attributed to those messages, which it would have avoided
with

messages as (
    select * from int_messages_cohorts
    where local_date between $period_start::date and $period_end::date
),

requests as (
    select lead_no, min(sent_at) as first_unprocessed_at
    from int_opt_out_requests where not is_processed group by all
),

flags as (
    select
        m.message_no,
        m.count_opt_outs,
        m.consent <> 'verified' as stop_unverified,
        m.engagement = '548d+' as stop_overdue,
        m.sent_in_7d > 3 as stop_over_cap,
        m.is_quiet_hours as stop_night,
        coalesce(q.first_unprocessed_at < m.sent_at, false) as stop_after_request,
    from messages m
    left join requests q using (lead_no)
),

long as (
    select 'verified_consent_only' as policy, message_no, count_opt_outs from flags where stop_unverified
    union all
    select 'check_in_every_18_months', message_no, count_opt_outs from flags where stop_overdue
    union all
    select 'cap_3_per_week', message_no, count_opt_outs from flags where stop_over_cap
    union all
    select 'daytime_only', message_no, count_opt_outs from flags where stop_night
    union all
    select 'honour_free_text_requests', message_no, count_opt_outs from flags where stop_after_request
    union all
    select 'all_of_the_above', message_no, count_opt_outs from flags
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
