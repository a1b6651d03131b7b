-- failing rows: a period and studio (null = all studios) whose opt-outs by route do not add up to
-- its opt-outs counted by their own local date (each opt-out under exactly one route)
with

counted as (
    select p.period, o.studio_id, count(*) as opt_outs
    from int_opt_outs_attributed o
    join review_periods p on o.local_date between p.starts_on and p.ends_on
    group by grouping sets ((p.period, o.studio_id), (p.period))
),

routed as (
    select period, studio_id, sum(opt_outs) as opt_outs
    from opt_out_routes
    group by all
)

select coalesce(c.period, r.period) as period, coalesce(c.studio_id, r.studio_id) as studio_id, c.opt_outs as counted, r.opt_outs as routed
from counted c
full join routed r on r.period = c.period and r.studio_id is not distinct from c.studio_id
where c.opt_outs is distinct from r.opt_outs
union all
-- and the overall opt-outs are the period's totals
select t.period, null, t.opt_outs, r.opt_outs
from period_totals t
join routed r on r.period = t.period and r.studio_id is null
where t.opt_outs <> r.opt_outs
