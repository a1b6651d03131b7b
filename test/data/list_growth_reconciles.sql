-- failing rows: a month and studio whose list does not add up (start + added - lost + came back =
-- end), whose end is not monthly's reachable leads, or whose start is not the end of the month
-- before (when that month is in the year of history)
select g.month, g.studio_id, g.reachable_at_start, g.reachable_at_end, m.reachable_leads, p.reachable_at_end as previous_end
from list_growth g
join monthly m on m.month = g.month and m.studio_id is not distinct from g.studio_id
left join list_growth p
    on p.studio_id is not distinct from g.studio_id
    and p.month = strftime(strptime(g.month || '-01', '%Y-%m-%d') - interval 1 month, '%Y-%m')
where g.reachable_at_start + g.leads_added - g.lost_to_opt_outs - g.lost_to_deactivation + g.came_back <> g.reachable_at_end
    or g.net_change <> g.reachable_at_end - g.reachable_at_start
    or g.reachable_at_end <> m.reachable_leads
    or g.leads_added <> m.leads_added
    or p.reachable_at_end <> g.reachable_at_start
