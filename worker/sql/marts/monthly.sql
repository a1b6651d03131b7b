-- one row per (calendar month, studio) and per month overall (studio_id null), for the months
-- from eleven months before the review month to the review month in which a text was sent: the
-- year of history. Months are the studio's local calendar months, as everywhere.
with

studios as (
    select studio_id, timezone from int_studios
),

sent_by_day as (
    select studio_id, local_date, sent, delivered from outbound_days
),

bounds as (
    -- each studio's month as UTC instants: [starts_at, ends_at)
    select * from history_months
),

reached as (
    -- from the daily series of each studio (the fact table by day)
    select studio_id, date_trunc('month', local_date)::date as month_start,
        sum(reached)::integer as reached,
        sum(opt_outs)::integer as attributed_opt_outs,
    from daily_series
    where studio_id is not null and local_date between $history_start::date and $history_end::date
    group by all
),

sent as (
    select studio_id, date_trunc('month', local_date)::date as month_start,
        sum(sent)::integer as sent,
        sum(delivered)::integer as delivered,
    from sent_by_day
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

created_counts as (
    select * from leads_created
),

created as (
    -- leads created before the month's start and before its end, each by one ASOF lookup (a
    -- range join would pair every lead with every month)
    select
        b.studio_id,
        b.month_start,
        coalesce(at_end.created_so_far, 0) as created_by_end,
        coalesce(at_end.created_so_far, 0) - coalesce(at_start.created_so_far, 0) as leads_added,
    from bounds as b
    asof left join created_counts as at_end on at_end.studio_id = b.studio_id and b.ends_at > at_end.created_at
    asof left join created_counts as at_start on at_start.studio_id = b.studio_id and b.starts_at > at_start.created_at
),

spells as (
    select * from opt_out_spells
),

opted_out_at_end as (
    -- a lead whose last opt-out event before the month's end is an opt-out
    select distinct b.studio_id, b.month_start, e.lead_no
    from bounds as b
    join spells as e
        on e.studio_id = b.studio_id and e.event_at < b.ends_at
        and (e.next_event_at is null or e.next_event_at >= b.ends_at)
),

deactivated_at_end as (
    -- a lead whose number was listed as deactivated on or before the month's last day, with no
    -- consent after the listing (as the history checks count a deactivated number)
    select b.studio_id, b.month_start, l.lead_no
    from bounds as b
    join leads as l on l.studio_id = b.studio_id and l.created_at < b.ends_at
    join int_deactivated_numbers as d on d.phone = l.phone and d.deactivated_on < b.next_start
    where not coalesce(cast(timezone(b.timezone, list_max(list_filter(l.consent_ats, c -> c < b.ends_at))) as date) > d.deactivated_on, false)
),

unreachable as (
    -- known leads created by the month's end that are opted out or deactivated then (once each)
    select studio_id, month_start, count(distinct lead_no)::integer as leads
    from (
        select o.studio_id, o.month_start, o.lead_no from opted_out_at_end as o
        join leads as l on l.lead_no = o.lead_no
        join bounds as b on b.studio_id = o.studio_id and b.month_start = o.month_start
        where l.created_at < b.ends_at
        union all
        select * from deactivated_at_end
    )
    group by all
),

reachable as (
    select c.studio_id, c.month_start, c.leads_added, c.created_by_end - coalesce(u.leads, 0) as reachable_leads
    from created as c
    left join unreachable as u using (studio_id, month_start)
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
        coalesce(reachable.leads_added, 0) as leads_added,
        coalesce(opt_outs.leads_opted_out, 0) as leads_opted_out,
        coalesce(reachable.reachable_leads, 0) as reachable_leads,
    from bounds as b
    left join reached using (studio_id, month_start)
    left join sent using (studio_id, month_start)
    left join opt_outs using (studio_id, month_start)
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
