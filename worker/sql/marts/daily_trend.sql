-- one row per (local send date, studio) and per local send date overall (studio_id null), over
-- the review month and the two before it: reached messages and the opt-outs attributed to them
with

messages as (
    select * from int_messages_cohorts
    where local_date between $trend_start::date and $period_end::date
),

per_studio as (
    select
        local_date,
        studio_id,
        count(*)::integer as reached,
        sum(count_opt_outs)::integer as opt_outs,
    from messages
    group by local_date, studio_id
),

overall as (
    select local_date, null::varchar as studio_id, sum(reached)::integer as reached, sum(opt_outs)::integer as opt_outs
    from per_studio
    group by local_date
),

final as (
    select
        local_date as date,
        studio_id,
        reached,
        opt_outs,
        (opt_outs / reached)::double as rate,
    from (select * from overall union all select * from per_studio)
)

select * from final
