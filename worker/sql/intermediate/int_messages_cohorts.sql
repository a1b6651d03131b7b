-- one row per reached message, with its cohort keys at send time and its attributed opt-outs
with

messages as (
    select * from int_messages_identified
),

leads as (
    select * from int_leads
),

attributed as (
    select message_id, count(*)::integer as count_opt_outs
    from int_opt_outs_attributed
    where message_id is not null
    group by message_id
),

reached as (
    select * from messages where is_reached
),

inbound as (
    select studio_id, lead_key, sent_at from messages where direction = 'inbound'
),

campaigns as (
    -- a campaign that reached >= $blast_size distinct (studio, lead) over the whole export is a blast
    -- (two plain group-bys: cheaper than a distinct aggregate over a struct)
    select campaign_id, count(*) >= $blast_size as is_blast
    from (select distinct campaign_id, studio_id, lead_key from reached where campaign_id is not null)
    group by campaign_id
),

with_frequency as (
    select
        reached.*,
        -- reached messages from the studio to the lead in (t - 7 days, t], this one included
        -- (7 days less one microsecond before, on epoch microseconds)
        count(*) over (
            partition by studio_id, lead_key
            order by epoch_us(sent_at)
            range between 604799999999 preceding and current row
        ) as frequency_7d_count,
    from reached
),

with_last_inbound as (
    -- the ASOF join runs only for leads who ever wrote in; the others have no last inbound
    select
        f.*,
        inbound.sent_at as last_inbound_at,
    from (select * from with_frequency semi join (select distinct studio_id, lead_key from inbound) using (studio_id, lead_key)) as f
    asof left join inbound
        on inbound.studio_id = f.studio_id
        and inbound.lead_key = f.lead_key
        and f.sent_at >= inbound.sent_at
    union all
    select with_frequency.*, null::timestamptz as last_inbound_at
    from with_frequency
    anti join (select distinct studio_id, lead_key from inbound) using (studio_id, lead_key)
),

joined as (
    select
        m.*,
        leads.lead_key is not null as is_known_lead,
        leads.lead_source,
        leads.created_at,
        leads.consent_at,
        leads.consent_method,
        leads.last_engaged_at,
        leads.phone as lead_phone,
        leads.first_name,
        campaigns.is_blast,
        coalesce(attributed.count_opt_outs, 0) as count_opt_outs,
    from with_last_inbound as m
    left join leads on leads.studio_id = m.studio_id and leads.lead_key = m.lead_key
    left join campaigns on campaigns.campaign_id = m.campaign_id
    left join attributed on attributed.message_id = m.message_id
),

measured as (
    select
        *,
        -- whole days of 86,400 s, on epoch microseconds (timestamptz differences are calendar math)
        floor((epoch_us(sent_at) - epoch_us(created_at)) / 86400e6)::bigint as lead_age_days,
        floor((epoch_us(sent_at) - epoch_us(greatest(
            case when created_at <= sent_at then created_at end,
            case when consent_at <= sent_at then consent_at end,
            case when last_engaged_at <= sent_at then last_engaged_at end,
            last_inbound_at
        ))) / 86400e6)::bigint as engagement_days,
    from joined
),

final as (
    select
        message_id,
        studio_id,
        lead_key,
        campaign_id,
        sent_at,
        local_date,
        count_opt_outs,
        is_missing_sender_id,
        -- the body does not use the lead's first name (the body itself stays out of this table)
        coalesce(
            first_name is not null
                and nullif(trim(body), '') is not null
                and strpos(lower(body), lower(first_name)) = 0,
            false
        ) as is_unpersonalised,
        is_known_lead,
        case when is_known_lead then lead_source else 'unknown' end as lead_source,
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
            when frequency_7d_count >= 7 then '7+'
            when frequency_7d_count >= 4 then '4-6'
            else frequency_7d_count::varchar
        end as frequency_7d,
        case
            when not is_known_lead then 'unknown'
            when consent_at is null or consent_at > sent_at then 'none'
            when consent_method is null or consent_method in ('import', 'unknown') then 'unverified'
            else 'verified'
        end as consent,
        case
            when engagement_days is null then 'unknown'
            when engagement_days <= 90 then '0-90d'
            when engagement_days <= 365 then '91-365d'
            when engagement_days <= 547 then '366-547d'
            else '548d+'
        end as engagement,
        case
            when campaign_type is not null then campaign_type
            when campaign_id is null then 'conversation'
            when is_blast then 'blast'
            else 'targeted'
        end as campaign_type,
        lpad(hour(sent_at_local)::varchar, 2, '0') as send_hour,
        studio_id as studio,
        coalesce(campaign_id, '(none)') as campaign,
        hour(sent_at_local) as local_hour,
        frequency_7d_count::integer as sent_in_7d,
        -- for the checks and the spike analysis, so they need not join back to the messages
        coalesce(phone, lead_phone) as recipient_phone,
        cast(created_at as date) as lead_created_on,
        consent_at,
        coalesce(is_blast, false) as is_blast,
    from measured
)

select * from final
