-- materialized: view
-- one row per reached message: its cohort keys at send time (SPEC section 3), the opt-outs
-- attributed to it, a flag for each compliance and list-hygiene check (SPEC section 4;
-- unprocessed free-text requests are inbound messages: see int_opt_out_requests) and the risk
-- factors the known causes of opt-outs point to (analysis/causes.ts). A view: these are plain
-- expressions over int_messages_reached, cheaper to evaluate where they are read than to store.
-- It carries no message text.
with

messages as (
    select * from int_messages_reached
),

keyed as (
    select
        -- every stored column but the day counts the keys are made from, and the nine cohort
        -- keys (consent is stored as its key; lead_source and campaign_type replace the stored
        -- values)
        * exclude (lead_age_days, engagement_days) replace (
            case when is_known_lead then lead_source else 'unknown' end as lead_source,
            case
                when campaign_type is not null then campaign_type
                when campaign_id is null then 'conversation'
                when is_blast then 'blast'
                else 'targeted'
            end as campaign_type
        ),
        case
            when not is_known_lead or lead_age_days < 0 then 'unknown'
            when lead_age_days <= 7 then '0-7d'
            when lead_age_days <= 30 then '8-30d'
            when lead_age_days <= 90 then '31-90d'
            when lead_age_days <= 180 then '91-180d'
            when lead_age_days <= 365 then '181-365d'
            when lead_age_days <= 547 then '366-547d'
            else '548d+'
        end as lead_age,
        case
            when sent_in_7d >= 7 then '7+'
            when sent_in_7d >= 4 then '4-6'
            else sent_in_7d::varchar
        end as frequency_7d,
        case
            when engagement_days is null then 'unknown'
            when engagement_days <= 90 then '0-90d'
            when engagement_days <= 365 then '91-365d'
            when engagement_days <= 547 then '366-547d'
            else '548d+'
        end as engagement,
        lpad(local_hour::varchar, 2, '0') as send_hour,
        studio_id as studio,
        coalesce(campaign_id, '(none)') as campaign,
    from messages
),

final as (
    select
        *,
        -- the checks that need only the message
        consent = 'none' as is_sent_without_consent,
        engagement = '548d+' as is_check_in_overdue,
        local_hour < 8 or local_hour >= 21 as is_quiet_hours,
        -- risk factors for the spike analysis
        consent in ('none', 'unverified') as is_unverified_consent,
        engagement in ('366-547d', '548d+') as is_cold,
        lead_age in ('366-547d', '548d+') as is_old_lead,
        frequency_7d in ('4-6', '7+') as is_high_frequency,
    from keyed
)

select * from final
