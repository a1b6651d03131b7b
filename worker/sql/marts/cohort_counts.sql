-- one row per (period, dimension, key): reached messages, attributed opt-outs and recipients
-- for the review month ('current') and the month before it ('previous')
with

messages as (
    select * from int_messages_cohorts
),

periods as (
    select * from review_periods
),

in_period as materialized (
    select
        periods.period,
        messages.lead_no,
        messages.count_opt_outs,
        -- every dimension's key (the catalog's list)
        {{ dimension_columns }},
    from messages
    join periods on messages.local_date between periods.starts_on and periods.ends_on
),

final as (
    -- one dimension at a time (generated from the catalog: worker/catalog/sql.ts)
    {{ cohort_counts_by_dimension }}
)

select * from final
