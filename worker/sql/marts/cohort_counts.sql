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

per_lead as (
    -- one dimension at a time, first per lead and then per key: nine small hash tables and no
    -- distinct counts cost far less than one over the unpivoted rows (nine times as many)
    select period, 'lead_source' as dimension, lead_source as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, lead_source, lead_no
    union all
    select period, 'lead_age' as dimension, lead_age as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, lead_age, lead_no
    union all
    select period, 'frequency_7d' as dimension, frequency_7d as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, frequency_7d, lead_no
    union all
    select period, 'consent' as dimension, consent as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, consent, lead_no
    union all
    select period, 'engagement' as dimension, engagement as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, engagement, lead_no
    union all
    select period, 'campaign_type' as dimension, campaign_type as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, campaign_type, lead_no
    union all
    select period, 'send_hour' as dimension, send_hour as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, send_hour, lead_no
    union all
    select period, 'studio' as dimension, studio as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, studio, lead_no
    union all
    select period, 'campaign' as dimension, campaign as key, lead_no, count(*) as reached, sum(count_opt_outs) as opt_outs
    from in_period group by period, campaign, lead_no
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
