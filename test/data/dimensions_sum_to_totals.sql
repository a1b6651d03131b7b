-- failing rows: a dimension whose cohorts do not add up to the period's reached and attributed opt-outs
select c.dimension, sum(c.reached) as reached, sum(c.opt_outs) as opt_outs, t.reached as total_reached, t.attributed_opt_outs
from cohort_counts c
join period_totals t on t.period = c.period
group by c.dimension, c.period, t.reached, t.attributed_opt_outs
having sum(c.reached) <> t.reached or sum(c.opt_outs) <> t.attributed_opt_outs
