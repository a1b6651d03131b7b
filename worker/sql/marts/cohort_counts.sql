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

per_lead as (
    -- one dimension at a time (generated from the catalog), first per lead and then per key: a
    -- small hash table each and no distinct counts cost far less than one over the unpivoted rows
    {{ cohort_per_lead }}
),

final as (
    select
        period,
        dimension,
        key,
        sum(reached)::integer as reached,
        sum(opt_outs)::integer as opt_outs,
        count(*)::integer as recipients,
        count(*) filter (where opt_outs > 0)::integer as opted_out_recipients,
    from per_lead
    group by period, dimension, key
)

select * from final
