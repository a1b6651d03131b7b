-- one row per (period, studio or all studios (studio_id null), route, method): the period's new
-- opt-outs (by their own local date, as totals.opt_outs) counted once each, under the route they
-- first arrived by (opt_outs), and those counted under another route that also arrived by this one
-- (also). Routes: 'keyword' (a STOP reply in the messages), 'written' (a request to stop in words
-- in the 24 hours before the opt-out), 'crm' (a row of the opt-outs file, by its method). Summed
-- over the routes, opt_outs is the period's opt-outs.
with

periods as (
    select * from review_periods
),

opt_outs as (
    select * from int_opt_outs_attributed
),

events as (
    select * from int_opt_out_events where kind = 'opt_out'
),

requests as (
    select lead_no, sent_at from int_opt_out_requests
),

spells as (
    -- every opt-out event with the new opt-out it belongs to: the latest at or before it (a repeat
    -- never follows a re-opt-in: it would be a new opt-out)
    select
        *,
        max(case when is_new_opt_out then seq end) over (
            partition by lead_no order by seq rows between unbounded preceding and current row
        ) as opt_out_seq,
        case when source = 'keyword' then 'keyword' else 'crm' end as route,
        case when source = 'keyword' then null else coalesce(method, 'unknown') end as route_method,
    from events
),

counted as (
    -- the period's new opt-outs, each with its place in the lead's events
    select
        periods.period,
        periods.starts_on,
        opt_outs.studio_id,
        opt_outs.lead_no,
        opt_outs.opted_out_at,
        spells.seq as opt_out_seq,
    from opt_outs
    join periods on opt_outs.local_date between periods.starts_on and periods.ends_on
    join spells
        on spells.lead_no = opt_outs.lead_no
        and spells.event_at = opt_outs.opted_out_at
        and spells.is_new_opt_out
),

arrivals as (
    -- every way each counted opt-out arrived: its own event and its repeats, with the first time
    -- each route brought it; and a request in words in the 24 hours up to it
    select counted.period, counted.starts_on, counted.studio_id, counted.lead_no, counted.opt_out_seq,
        spells.route, spells.route_method, min(spells.event_at) as arrived_at,
    from counted
    join spells on spells.lead_no = counted.lead_no and spells.opt_out_seq = counted.opt_out_seq
    group by all

    union all

    select counted.period, counted.starts_on, counted.studio_id, counted.lead_no, counted.opt_out_seq,
        'written', null, min(requests.sent_at),
    from counted
    join requests
        on requests.lead_no = counted.lead_no
        and epoch_us(requests.sent_at) between epoch_us(counted.opted_out_at) - 86400e6 and epoch_us(counted.opted_out_at)
    group by all
),

ranked as (
    -- the first arrival is the one the opt-out is counted under; at the same instant, a request
    -- in words goes first (it asked before anything was recorded), then a reply, then the CRM
    select
        *,
        row_number() over (
            partition by period, lead_no, opt_out_seq
            order by arrived_at, case route when 'written' then 0 when 'keyword' then 1 else 2 end, route_method
        ) = 1 as is_first,
    from arrivals
),

per_studio as (
    select
        period,
        strftime(starts_on, '%Y-%m') as month,
        studio_id,
        route,
        route_method as method,
        count(*) filter (where is_first) as opt_outs,
        count(*) filter (where not is_first) as also,
    from ranked
    group by all
),

final as (
    select * from per_studio
    union all
    select period, month, null, route, method, sum(opt_outs), sum(also)
    from per_studio
    group by all
)

select
    period,
    month,
    studio_id,
    route,
    method,
    opt_outs::integer as opt_outs,
    also::integer as also,
from final
