-- one row per combination of the risk model's factors (worker/catalog/risk.ts) among the reached
-- messages sent on a local date from $fit_start to $fit_end: the reached messages and how many
-- of them got an attributed opt-out. The model (analysis/risk.ts) is fitted on these counts,
-- never on single messages: grouping by the stored keys is one hash table of small numbers.
with

messages as (
    select
        {{ risk_factor_columns }},
        count_opt_outs > 0 as is_opted_out,
    from int_messages_cohorts
    where local_date between $fit_start::date and $fit_end::date
),

cells as (
    select
        {{ risk_factor_names }},
        count(*)::integer as reached,
        count(*) filter (where is_opted_out)::integer as opted_out,
    from messages
    group by all
),

final as (
    select
        {{ risk_factor_keys }},
        reached,
        opted_out,
    from cells
)

select * from final order by all
