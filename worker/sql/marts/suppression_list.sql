-- one row per (studio, number) that must not be messaged now: opted out with no re-opt-in
-- since, listed as deactivated by a carrier (unless consent came after), or asked to stop in
-- free text and was never opted out; with the reasons and the earliest date behind them
with

events as (
    select * from int_opt_out_events
),

leads as (
    select studio_id, lead_key, lead_id, phone, consent_at from int_leads
),

studios as (
    select studio_id, timezone from int_studios
),

latest_state as (
    -- the lead's last opt-out or re-opt-in event decides
    select studio_id, lead_key, arg_max(kind, seq) as last_kind, max(event_at) filter (where is_new_opt_out) as opted_out_at
    from events
    group by studio_id, lead_key
),

opted_out as (
    select studio_id, lead_key, 'opted_out' as reason, cast(opted_out_at as date) as since
    from latest_state
    where last_kind = 'opt_out' and opted_out_at is not null
),

requests as (
    select r.studio_id, r.lead_key, 'unprocessed_request' as reason, min(r.local_date) as since
    from int_opt_out_requests r
    left join latest_state s using (studio_id, lead_key)
    where not r.is_processed and coalesce(s.last_kind, '') <> 'opt_out'
    group by r.studio_id, r.lead_key
),

numbers as (
    -- every number each studio knows: its leads' and the numbers it messaged without a lead
    select studio_id, lead_key, lead_id, phone, consent_at from leads
    union all
    select distinct studio_id, lead_key, null, phone, null::timestamptz
    from int_messages_identified
    where lead_key like 'phone:%'
),

deactivated as (
    select * from int_deactivated_numbers
),

by_carrier as (
    select n.studio_id, n.lead_key, 'deactivated' as reason, d.deactivated_on as since
    from numbers n
    join deactivated d using (phone)
    left join studios s using (studio_id)
    where not coalesce(cast(timezone(s.timezone, n.consent_at) as date) > d.deactivated_on, false)
),

unknown_to_studios as (
    -- a deactivated number no studio knows: still listed, for every studio's import
    select null::varchar as studio_id, 'phone:' || d.phone as lead_key, 'deactivated' as reason, d.deactivated_on as since
    from deactivated d
    anti join numbers n using (phone)
),

reasons as (
    select * from opted_out
    union all
    select * from requests
    union all
    select * from by_carrier
    union all
    select * from unknown_to_studios
),

final as (
    select
        r.studio_id,
        max(l.lead_id) as lead_id,
        coalesce(max(l.phone), max(case when r.lead_key like 'phone:%' then substr(r.lead_key, 7) end)) as phone,
        string_agg(distinct r.reason, ';' order by r.reason) as reasons,
        min(r.since) as since,
    from reasons r
    left join leads l on l.studio_id = r.studio_id and l.lead_key = r.lead_key
    group by r.studio_id, r.lead_key
)

select * from final where phone is not null
