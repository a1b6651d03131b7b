-- failing rows: a policy that saves more opt-outs than were attributed, or more than all policies together
select p.policy, p.opt_outs_avoided, t.attributed_opt_outs, a.opt_outs_avoided as all_together
from policy_savings p
join period_totals t on t.period = 'current'
join policy_savings a on a.policy = 'all_of_the_above'
where p.opt_outs_avoided > t.attributed_opt_outs or p.opt_outs_avoided > a.opt_outs_avoided
