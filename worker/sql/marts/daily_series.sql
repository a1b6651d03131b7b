-- one row per (studio, local send date) over the whole export, and per date overall (studio_id
-- null): reached messages and the opt-outs attributed to them, the series spikes are found in
with

messages as (
    select * from int_messages_cohorts
),

per_studio as (
    select studio_id, local_date, count(*)::integer as reached, sum(count_opt_outs)::integer as opt_outs
    from messages
    group by studio_id, local_date
),

overall as (
    select null::varchar as studio_id, local_date, sum(reached)::integer as reached, sum(opt_outs)::integer as opt_outs
    from per_studio
    group by local_date
),

final as (
    select * from per_studio
    union all
    select * from overall
)

select * from final
