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

per_lead as (
    -- first per lead, then per key: two plain aggregates cost less than distinct counts
    select period, dimension, key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from long
    group by period, dimension, key, lead_no
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
