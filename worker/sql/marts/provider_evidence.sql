-- one row per provider error that is evidence of broken list hygiene, per studio and overall
-- (studio_id null), in the review month: 21610 (the number had unsubscribed, the provider
-- blocked the attempt) and 30007 (the carrier filtered the message as unwanted)
with

attempts as (
    select studio_id, lead_key, error_code
    from int_messages_identified
    where direction = 'outbound'
        and error_code in (21610, 30007)
        and local_date between $period_start::date and $period_end::date
),

per_studio as (
    select error_code, studio_id, count(*)::integer as messages, count(distinct lead_key)::integer as leads
    from attempts group by all
),

overall as (
    select error_code, null::varchar as studio_id, count(*)::integer as messages,
        count(distinct (studio_id, lead_key))::integer as leads
    from attempts group by all
),

final as (
    select * from overall
    union all
    select * from per_studio
)

select * from final
