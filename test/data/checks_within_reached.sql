-- failing rows: a message check that counts more messages than the month reached
select c."check", c.messages, t.reached
from compliance_counts c
join period_totals t on t.period = 'current'
where c.studio_id is null and c."check" <> 'unprocessed_opt_out_request' and c.messages > t.reached
