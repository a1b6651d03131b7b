-- one row per opt-out of a lead, with the lead's next opt-out event (a re-opt-in, or another
-- opt-out): the lead is opted out from the one until the other, or for good when there is none
-- (int_opt_out_events has every lead's events in order, `seq`). monthly and list_growth pair the
-- spells with each month's bounds to tell who was opted out at a month's start and end.
with

events as (
    select studio_id, lead_no, kind, event_at, seq from int_opt_out_events
),

paired as (
    select studio_id, lead_no, kind, event_at, lead(event_at) over (partition by lead_no order by seq) as next_event_at
    from events
),

final as (
    select studio_id, lead_no, kind, event_at, next_event_at from paired where kind = 'opt_out'
)

select * from final
