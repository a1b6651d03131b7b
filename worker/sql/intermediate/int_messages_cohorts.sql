-- materialized: view
-- one row per reached message: its cohort keys at send time (SPEC section 3; one column per
-- dimension, named after it, from the catalog: worker/catalog/dimensions.ts), the opt-outs
-- attributed to it, and the columns the checks (worker/catalog/checks.ts) and the causes' risk
-- factors (worker/catalog/causes.ts) read. A view: these are plain expressions over
-- int_messages_reached, cheaper to evaluate where they are read than to store. It carries no
-- message text.
with

messages as (
    select * from int_messages_reached
),

final as (
    select
        -- every stored column but the day counts the keys are made from and those a key replaces
        * exclude (lead_age_days, engagement_days, {{ replaced_columns }}),
        {{ cohort_key_columns }},
        local_hour < 8 or local_hour >= 21 as is_quiet_hours,
    from messages
)

select * from final
