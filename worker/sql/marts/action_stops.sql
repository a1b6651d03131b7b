-- one row per policy and reached message of the review month that drew an opt-out and that the
-- policy would have stopped: the "stop" candidates of the overview's "Do these first" list
-- (analysis/actions.ts adds the spikes' causes and ranks them with analysis/rank_actions.sql).
-- The rules are policy_savings's, message for message (a test checks both give the same
-- opt-outs per policy); only the messages with an opt-out matter to the ranking.
with

messages as (
    select * from int_messages_cohorts
    where local_date between $period_start::date and $period_end::date
        and count_opt_outs > 0
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

final as (
    select 'verified_consent_only' as action, message_no, count_opt_outs as opt_outs from flags where stop_unverified
    union all
    select 'check_in_every_18_months', message_no, count_opt_outs from flags where stop_overdue
    union all
    select 'cap_3_per_week', message_no, count_opt_outs from flags where stop_over_cap
    union all
    select 'daytime_only', message_no, count_opt_outs from flags where stop_night
    union all
    select 'honour_free_text_requests', message_no, count_opt_outs from flags where stop_after_request
)

select * from final
