-- one row per (calendar month, studio) and per month overall (studio_id null), for the months and
-- studios of the year of history (as monthly): how the list of reachable leads changed over the
-- month. reachable_at_start + leads_added - lost_to_opt_outs - lost_to_deactivation + came_back
-- = reachable_at_end. A reachable lead is one of the leads file, created by then, not opted out
-- and whose number is not listed as deactivated (unless it consented after the listing), as
-- monthly's reachable_leads. Lost: reachable at the start or added in the month, not reachable
-- at the end (opted out then, else deactivated); came back: not reachable at the start, reachable
-- at the end (opted in again, or consented after the listing).
with

studios as (
    select studio_id, timezone from int_studios
),

grid as (
    select studio_id, timezone, month_start, next_start, starts_at, ends_at from history_months
),

instants as (
    -- each studio's month's start and end as UTC instants, with the local date that begins there
    select studio_id, timezone, month_start, 'start' as boundary, month_start as on_date, starts_at as at_ts,
    from grid
    union all
    select studio_id, timezone, month_start, 'end', next_start, ends_at
    from grid
),

leads as (
    select studio_id, lead_no, phone, created_at, consent_ats from int_leads
),

created_counts as (
    select * from leads_created
),

created as (
    select i.studio_id, i.month_start, i.boundary, coalesce(c.created_so_far, 0) as created,
    from instants as i
    asof left join created_counts as c on c.studio_id = i.studio_id and i.at_ts > c.created_at
),

spells as (
    select * from opt_out_spells
),

opted_out as (
    select distinct i.studio_id, i.month_start, i.boundary, e.lead_no
    from instants as i
    join spells as e
        on e.studio_id = i.studio_id and e.event_at < i.at_ts
        and (e.next_event_at is null or e.next_event_at >= i.at_ts)
    join leads as l on l.lead_no = e.lead_no and l.created_at < i.at_ts
),

deactivated as (
    select i.studio_id, i.month_start, i.boundary, l.lead_no
    from instants as i
    join leads as l on l.studio_id = i.studio_id and l.created_at < i.at_ts
    join int_deactivated_numbers as d on d.phone = l.phone and d.deactivated_on < i.on_date
    where not coalesce(cast(timezone(i.timezone, list_max(list_filter(l.consent_ats, c -> c < i.at_ts))) as date) > d.deactivated_on, false)
),

unreachable as (
    -- each lead off the list at each instant, once, opted out before deactivated
    select studio_id, month_start, boundary, lead_no, bool_or(is_opted_out) as is_opted_out
    from (
        select *, true as is_opted_out from opted_out
        union all
        select *, false from deactivated
    )
    group by all
),

at_start as (
    select * from unreachable where boundary = 'start'
),

at_end as (
    select * from unreachable where boundary = 'end'
),

lost as (
    select
        e.studio_id,
        e.month_start,
        count(*) filter (where e.is_opted_out) as lost_to_opt_outs,
        count(*) filter (where not e.is_opted_out) as lost_to_deactivation,
    from at_end as e
    anti join at_start as s using (studio_id, month_start, lead_no)
    group by all
),

came_back as (
    select s.studio_id, s.month_start, count(*) as came_back
    from at_start as s
    anti join at_end as e using (studio_id, month_start, lead_no)
    group by all
),

off_list as (
    select studio_id, month_start, boundary, count(*) as leads from unreachable group by all
),

per_studio as (
    select
        strftime(g.month_start, '%Y-%m') as month,
        g.studio_id,
        cs.created - coalesce(us.leads, 0) as reachable_at_start,
        ce.created - cs.created as leads_added,
        coalesce(lost.lost_to_opt_outs, 0) as lost_to_opt_outs,
        coalesce(lost.lost_to_deactivation, 0) as lost_to_deactivation,
        coalesce(came_back.came_back, 0) as came_back,
        ce.created - coalesce(ue.leads, 0) as reachable_at_end,
    from grid as g
    join created as cs on cs.studio_id = g.studio_id and cs.month_start = g.month_start and cs.boundary = 'start'
    join created as ce on ce.studio_id = g.studio_id and ce.month_start = g.month_start and ce.boundary = 'end'
    left join off_list as us on us.studio_id = g.studio_id and us.month_start = g.month_start and us.boundary = 'start'
    left join off_list as ue on ue.studio_id = g.studio_id and ue.month_start = g.month_start and ue.boundary = 'end'
    left join lost on lost.studio_id = g.studio_id and lost.month_start = g.month_start
    left join came_back on came_back.studio_id = g.studio_id and came_back.month_start = g.month_start
),

final as (
    select * from per_studio
    union all
    select month, null, sum(reachable_at_start), sum(leads_added), sum(lost_to_opt_outs),
        sum(lost_to_deactivation), sum(came_back), sum(reachable_at_end)
    from per_studio
    group by month
)

select
    month,
    studio_id,
    reachable_at_start::integer as reachable_at_start,
    leads_added::integer as leads_added,
    lost_to_opt_outs::integer as lost_to_opt_outs,
    lost_to_deactivation::integer as lost_to_deactivation,
    came_back::integer as came_back,
    reachable_at_end::integer as reachable_at_end,
    (reachable_at_end - reachable_at_start)::integer as net_change,
from final
