-- the fact table: one row per reached message, with its cohort keys at send time (SPEC section 3;
-- one column per dimension, named after it and generated from the catalog,
-- worker/catalog/dimensions.ts), the opt-outs attributed to it, and the columns the checks
-- (worker/catalog/checks.ts) and the causes' risk factors (worker/catalog/causes.ts) read: the
-- lead's attributes at send time, the 7-day frequency and the last inbound message (one window
-- over each lead's messages), the history checks. Every mart, the spike series and the spike
-- causes read this one table. Keys are ENUMs, so grouping by them hashes small numbers; the
-- message and lead are numbers; it carries no message text.
with

messages as (
    select
        message_no,
        studio_id,
        lead_no,
        -- the campaign by a 64-bit number through the window's sort; its id (a long string) and
        -- whether it is a blast are joined back from campaigns below
        case when campaign_id is not null then hash(campaign_id) end as campaign_no,
        campaign_type,
        sent_at,
        local_date,
        local_hour,
        is_missing_sender_id,
        is_unpersonalised,
        personalization,
        is_reached,
    from int_messages_identified
    where is_reached or direction = 'inbound'
),

leads as (
    -- the source as its key's type, once per lead rather than once per message
    -- consent and engagement of every version of the lead (int_leads): consent counts from the
    -- first consent at or before the send, engagement from the last signal at or before it
    select lead_no, cast(lead_source as e_lead_source) as lead_source, created_at, first_consent_at, consent_method,
        consent_at as latest_consent_at, last_engaged_at, signals_at
    from int_leads
),

attributed as (
    select message_no, count(*)::integer as count_opt_outs
    from int_opt_outs_attributed
    where message_no is not null
    group by message_no
),

history as (
    select * from int_message_history_checks
),

campaigns as (
    -- a campaign that reached >= $blast_size distinct (studio, lead) over the whole export is a blast
    select
        hash(campaign_id) as campaign_no,
        -- as its key's type, once per campaign rather than once per message
        cast(any_value(campaign_id) as e_campaign) as campaign_id,
        count(distinct lead_no) >= $blast_size as is_blast,
    from int_messages_identified
    where is_reached and campaign_id is not null
    group by 1
),

frequency as (
    -- one pass over each lead's reached and inbound messages in time order:
    -- the reached messages from the studio to the lead in (t - 7 days, t], this one included
    -- (7 days less one microsecond before, on epoch microseconds), and the lead's last inbound
    -- message at or before t
    select
        * exclude (is_reached),
        count(*) filter (where is_reached) over last_7_days as frequency_7d_count,
        max(sent_at) filter (where not is_reached) over until_now as last_inbound_at,
    from messages
    window
        last_7_days as (partition by lead_no order by epoch_us(sent_at) range between 604799999999 preceding and current row),
        until_now as (partition by lead_no order by epoch_us(sent_at) range between unbounded preceding and current row)
    qualify is_reached
),

joined as (
    select
        frequency.*,
        leads.lead_no is not null as is_known_lead,
        leads.lead_source,
        leads.created_at,
        leads.first_consent_at,
        leads.latest_consent_at,
        leads.consent_method,
        leads.last_engaged_at,
        leads.signals_at,
        campaigns.campaign_id,
        campaigns.is_blast,
        coalesce(attributed.count_opt_outs, 0) as count_opt_outs,
        history.is_sent_after_opt_out,
        history.business_days_after_opt_out,
        history.is_sent_to_deactivated,
        history.is_resubscribed_after_opt_out,
        history.is_opt_out_ignored,
    from frequency
    left join leads using (lead_no)
    left join campaigns on campaigns.campaign_no = frequency.campaign_no
    left join attributed using (message_no)
    left join history using (message_no)
),

measured as (
    select
        *,
        -- whole days of 86,400 s, on epoch microseconds (timestamptz differences are calendar math)
        floor((epoch_us(sent_at) - epoch_us(created_at)) / 86400e6)::bigint as lead_age_days,
        floor((epoch_us(sent_at) - epoch_us(greatest(
            case when created_at <= sent_at then created_at end,
            -- a lead of one version: its consent and engagement times; of several: the last of
            -- every version's at or before the send
            case when signals_at is null and latest_consent_at <= sent_at then latest_consent_at end,
            case when signals_at is null and last_engaged_at <= sent_at then last_engaged_at end,
            case when signals_at is not null then list_max(list_filter(signals_at, s -> s <= sent_at)) end,
            last_inbound_at
        ))) / 86400e6)::bigint as engagement_days,
    from joined
),

facts as (
    select
        -- the message and its lead by number only: their ids are strings, costly to carry through
        -- the window's sort and to store; int_messages_identified has them by message_no
        message_no,
        studio_id,
        lead_no,
        campaign_id,
        campaign_type,
        coalesce(is_blast, false) as is_blast,
        sent_at,
        local_date,
        local_hour,
        count_opt_outs,
        frequency_7d_count::integer as sent_in_7d,
        is_known_lead,
        lead_source,
        lead_age_days,
        engagement_days,
        -- the consent key, of its type (typed literals cost nothing per row)
        case
            when not is_known_lead then 'unknown'::e_consent
            when first_consent_at is null or first_consent_at > sent_at then 'none'::e_consent
            when consent_method is null or consent_method in ('import', 'unknown') then 'unverified'::e_consent
            else 'verified'::e_consent
        end as consent,
        -- the UTC date, without ICU's calendar (the cast of a timestamptz is costly per row)
        cast(make_timestamp(epoch_us(created_at)) as date) as lead_created_on,
        is_missing_sender_id,
        is_unpersonalised,
        personalization,
        -- the checks over the lead's history: false unless int_message_history_checks has the message
        coalesce(is_sent_after_opt_out, false) as is_sent_after_opt_out,
        business_days_after_opt_out,
        coalesce(is_sent_to_deactivated, false) as is_sent_to_deactivated,
        coalesce(is_resubscribed_after_opt_out, false) as is_resubscribed_after_opt_out,
        coalesce(is_opt_out_ignored, false) as is_opt_out_ignored,
    from measured
),

final as (
    select
        -- every fact but the day counts the keys are made from and the stored values a key replaces
        * exclude (lead_age_days, engagement_days, {{ replaced_columns }}),
        -- one column per dimension, named after it, stored as a small number (ENUM e_<dimension>)
        {{ cohort_key_columns }},
        local_hour < 8 or local_hour >= 21 as is_quiet_hours,
    from facts
)

select * from final
