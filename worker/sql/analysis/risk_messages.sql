-- one row per reached message sent on a local date from $start to $end, with the risk model's
-- factors as text (worker/catalog/risk.ts) and whether it got an attributed opt-out: the
-- messages a backtest predicts (score/backtest.ts groups them into cells and joins each cell's
-- prediction back).
with

messages as (
    select
        message_no,
        {{ risk_factor_columns }},
        count_opt_outs > 0 as is_opted_out,
    from int_messages_cohorts
    where local_date between $start::date and $end::date
),

final as (
    select
        message_no,
        {{ risk_factor_keys }},
        is_opted_out,
    from messages
)

select * from final
