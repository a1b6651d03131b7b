-- failing rows: a date whose overall trend row is not the sum of its studios' rows
select o.date, o.reached, sum(s.reached) as studios_reached
from daily_trend o
join daily_trend s on s.date = o.date and s.studio_id is not null
where o.studio_id is null
group by o.date, o.reached, o.opt_outs
having o.reached <> sum(s.reached) or o.opt_outs <> sum(s.opt_outs)
