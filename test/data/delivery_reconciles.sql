-- failing rows: a month and studio whose texts by outcome do not add up to the texts sent, or
-- disagree with monthly (sent, delivered, reached = delivered + no receipt) or with
-- deliverability (failed + undelivered, per studio)
select d.month, d.studio_id, d.sent, m.sent as monthly_sent, d.delivered, m.delivered as monthly_delivered,
    d.delivered + d.no_receipt as reached, m.reached as monthly_reached
from delivery_outcomes d
join monthly m on m.month = d.month and m.studio_id is not distinct from d.studio_id
where d.sent <> d.delivered + d.no_receipt + d.undelivered + d.failed + d.other
    or d.sent <> m.sent or d.delivered <> m.delivered or d.delivered + d.no_receipt <> m.reached
union all
select d.month, d.studio_id, d.undelivered + d.failed, null, f.messages, null, null, null
from delivery_outcomes d
left join (select studio_id, month, sum(messages) as messages from deliverability group by all) f using (studio_id, month)
where d.studio_id is not null and d.undelivered + d.failed <> coalesce(f.messages, 0)
