-- one row per (period, dimension, key): reached messages, attributed opt-outs and recipients
-- for the review month ('current') and the month before it ('previous')
with

messages as (
    select * from int_messages_cohorts
),

periods as (
    select * from review_periods
),

in_period as (
    select
        periods.period,
        messages.lead_no,
        messages.count_opt_outs,
        messages.lead_source,
        messages.lead_age,
        messages.frequency_7d,
        messages.consent,
        messages.engagement,
        messages.campaign_type,
        messages.send_hour,
        messages.studio,
        messages.campaign,
    from messages
    join periods on messages.local_date between periods.starts_on and periods.ends_on
),

long as (
    unpivot in_period
    on lead_source, lead_age, frequency_7d, consent, engagement, campaign_type, send_hour, studio, campaign
    into name dimension value key
),

final as (
    select
        period,
        dimension,
        key,
        count(*)::integer as reached,
        sum(count_opt_outs)::integer as opt_outs,
        count(distinct lead_no)::integer as recipients,
        count(distinct case when count_opt_outs > 0 then lead_no end)::integer as opted_out_recipients,
    from long
    group by period, dimension, key
)

select * from final
