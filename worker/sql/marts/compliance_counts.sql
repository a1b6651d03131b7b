-- one row per (check, studio) and per check overall (studio_id null) for the review month:
-- the messages that break the rule and the distinct leads they went to (check_leads has one
-- row per check, studio and lead, so leads are its rows)
with

check_leads as (
    select * from check_leads
),

per_studio as (
    select
        "check",
        studio_id,
        sum(messages)::integer as messages,
        count(*)::integer as leads,
        sum(late_messages)::integer as late_messages,
    from check_leads
    group by "check", studio_id
),

overall as (
    select
        "check",
        null::varchar as studio_id,
        sum(messages)::integer as messages,
        count(*)::integer as leads,
        sum(late_messages)::integer as late_messages,
    from check_leads
    group by "check"
),

final as (
    select * from overall
    union all
    select * from per_studio
)

select * from final
