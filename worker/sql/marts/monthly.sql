-- one row per (calendar month, studio) and per month overall (studio_id null), for the months
-- from eleven months before the review month to the review month in which a text was sent: the
-- year of history. Months are the studio's local calendar months, as everywhere.
with

studios as (
    select studio_id, timezone from int_studios
),

outbound as (
    select studio_id, local_date, status, is_reached
    from int_messages_identified
    where direction = 'outbound' and local_date between $history_start::date and $history_end::date
),

months as (
    -- the months with a text, and the studios that texted in the window
    select distinct date_trunc('month', local_date)::date as month_start from outbound
),

grid as (
    select s.studio_id, s.timezone, m.month_start, (m.month_start + interval 1 month)::date as next_start
    from (select distinct studio_id from outbound) as o
    join studios as s using (studio_id)
    cross join months as m
),

bounds as (
    -- each studio's month as UTC instants: [starts_at, ends_at)
    select
        *,
        timezone(timezone, month_start::timestamp) as starts_at,
        timezone(timezone, next_start::timestamp) as ends_at,
    from grid
),

reached as (
    select studio_id, date_trunc('month', local_date)::date as month_start,
        count(*)::integer as reached,
        sum(count_opt_outs)::integer as attributed_opt_outs,
    from int_messages_cohorts
    where local_date between $history_start::date and $history_end::date
    group by all
),

sent as (
    select studio_id, date_trunc('month', local_date)::date as month_start,
        count(*)::integer as sent,
        count(*) filter (where status = 'delivered')::integer as delivered,
    from outbound
    group by all
),

opt_outs as (
    -- every new opt-out, attributed to a text or not, and the distinct leads who opted out
    select studio_id, date_trunc('month', local_date)::date as month_start,
        count(*)::integer as opt_outs,
        count(distinct lead_no)::integer as leads_opted_out,
    from int_opt_outs_attributed
    where local_date between $history_start::date and $history_end::date
    group by all
),

leads as (
    select studio_id, lead_no, phone, created_at, consent_ats from int_leads
),

added as (
    select b.studio_id, b.month_start, count(*)::integer as leads_added
    from bounds as b
    join leads as l on l.studio_id = b.studio_id and l.created_at >= b.starts_at and l.created_at < b.ends_at
    group by all
),

opted_out_at_end as (
    -- a lead whose last opt-out event before the month's end is an opt-out
    select b.studio_id, b.month_start, e.lead_no
    from bounds as b
    join int_opt_out_events as e on e.studio_id = b.studio_id and e.event_at < b.ends_at
    group by all
    having arg_max(e.kind, e.seq) = 'opt_out'
),

state_at_end as (
    -- each known lead at each month end: created by then; opted out (above); its number listed as
    -- deactivated on or before the month's last day with no consent after the listing (as the
    -- history checks count a deactivated number)
    select
        b.studio_id,
        b.month_start,
        o.lead_no is not null as is_opted_out,
        case when d.deactivated_on is not null and d.deactivated_on < b.next_start then
            not coalesce(cast(timezone(b.timezone, list_max(list_filter(l.consent_ats, c -> c < b.ends_at))) as date) > d.deactivated_on, false)
        else false end as is_deactivated,
    from bounds as b
    join leads as l on l.studio_id = b.studio_id and l.created_at < b.ends_at
    left join opted_out_at_end as o on o.studio_id = b.studio_id and o.month_start = b.month_start and o.lead_no = l.lead_no
    left join int_deactivated_numbers as d on d.phone = l.phone
),

reachable as (
    select studio_id, month_start, count(*) filter (where not is_opted_out and not is_deactivated)::integer as reachable_leads
    from state_at_end
    group by all
),

per_studio as (
    select
        strftime(b.month_start, '%Y-%m') as month,
        b.studio_id,
        coalesce(reached.reached, 0) as reached,
        coalesce(reached.attributed_opt_outs, 0) as attributed_opt_outs,
        coalesce(opt_outs.opt_outs, 0) as opt_outs,
        coalesce(sent.sent, 0) as sent,
        coalesce(sent.delivered, 0) as delivered,
        coalesce(added.leads_added, 0) as leads_added,
        coalesce(opt_outs.leads_opted_out, 0) as leads_opted_out,
        coalesce(reachable.reachable_leads, 0) as reachable_leads,
    from bounds as b
    left join reached using (studio_id, month_start)
    left join sent using (studio_id, month_start)
    left join opt_outs using (studio_id, month_start)
    left join added using (studio_id, month_start)
    left join reachable using (studio_id, month_start)
),

final as (
    select * from per_studio
    union all
    select month, null, sum(reached), sum(attributed_opt_outs), sum(opt_outs), sum(sent), sum(delivered),
        sum(leads_added), sum(leads_opted_out), sum(reachable_leads)
    from per_studio
    group by month
)

select
    month,
    studio_id,
    reached::integer as reached,
    attributed_opt_outs::integer as attributed_opt_outs,
    opt_outs::integer as opt_outs,
    sent::integer as sent,
    delivered::integer as delivered,
    leads_added::integer as leads_added,
    leads_opted_out::integer as leads_opted_out,
    reachable_leads::integer as reachable_leads,
from final
