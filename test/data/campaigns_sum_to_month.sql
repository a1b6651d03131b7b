-- failing rows: the review month's campaigns (and one-to-one texts) whose texts sent and delivered
-- do not add up to the month's, or whose reached texts and opt-outs do not add up to its totals or
-- to the campaign cohorts
with

campaigns as (
    select sum(sent) as sent, sum(delivered) as delivered, sum(reached) as reached, sum(opt_outs) as opt_outs
    from campaign_results
),

month as (
    select d.sent, d.delivered, t.reached, t.attributed_opt_outs
    from delivery_outcomes d
    join period_totals t on t.period = 'current'
    join review_periods p on p.period = 'current' and d.month = strftime(p.starts_on, '%Y-%m')
    where d.studio_id is null
)

select 'month' as what, c.sent, m.sent as month_sent, c.delivered, m.delivered as month_delivered, c.reached, m.reached as month_reached, c.opt_outs, m.attributed_opt_outs
from campaigns c, month m
where c.sent <> m.sent or c.delivered <> m.delivered or c.reached <> m.reached or c.opt_outs <> m.attributed_opt_outs
union all
select 'campaign ' || coalesce(r.campaign_id, '(none)'), r.sent, null, r.delivered, null, r.reached, k.reached, r.opt_outs, k.opt_outs
from campaign_results r
left join cohort_counts k on k.period = 'current' and k.dimension = 'campaign' and k.key = coalesce(r.campaign_id, '(none)')
where r.reached > 0 and (k.reached is distinct from r.reached or k.opt_outs is distinct from r.opt_outs)
