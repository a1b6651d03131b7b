-- one row per (local send date, studio) and per local send date overall (studio_id null), over
-- the review month and the two before it: reached messages and the opt-outs attributed to them
-- (the window of daily_series the report shows)
with

series as (
    select * from daily_series
    where local_date between $trend_start::date and $period_end::date
),

final as (
    select
        local_date as date,
        studio_id,
        reached,
        opt_outs,
        (opt_outs / reached)::double as rate,
    from series
)

select * from final
