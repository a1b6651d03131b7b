-- one row per period ('current', 'previous'): the headline numbers of SPEC section 5
with

messages as (
    select * from int_messages_cohorts
),

opt_outs as (
    select * from int_opt_outs_attributed
),

periods as (
    select * from review_periods
),

reached as (
    select
        periods.period,
        count(messages.message_no)::integer as reached,
        count(distinct messages.lead_no)::integer as recipients,
        coalesce(sum(messages.count_opt_outs), 0)::integer as attributed_opt_outs,
        count(distinct case when messages.count_opt_outs > 0 then messages.lead_no end)::integer
            as opted_out_recipients,
    from periods
    left join messages on messages.local_date between periods.starts_on and periods.ends_on
    group by periods.period
),

events as (
    select periods.period, count(opt_outs.lead_key)::integer as opt_outs
    from periods
    left join opt_outs on opt_outs.local_date between periods.starts_on and periods.ends_on
    group by periods.period
),

final as (
    select
        reached.period,
        reached.reached,
        reached.recipients,
        events.opt_outs,
        reached.attributed_opt_outs,
        reached.opted_out_recipients,
        case when reached.reached > 0 then reached.attributed_opt_outs / reached.reached end::double as rate,
        case when reached.recipients > 0 then reached.opted_out_recipients / reached.recipients end::double
            as recipient_rate,
    from reached
    join events using (period)
)

select * from final
