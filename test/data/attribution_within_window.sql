-- failing rows: an opt-out attributed to a message that is not reached, of another lead, later, or too early
select o.*
from int_opt_outs_attributed o
join int_messages_identified m on m.message_id = o.message_id
where not m.is_reached
   or m.studio_id <> o.studio_id
   or m.lead_key <> o.lead_key
   or m.sent_at > o.opted_out_at
   or epoch_us(o.opted_out_at) - epoch_us(m.sent_at) > $attribution_hours::double * 3600e6
