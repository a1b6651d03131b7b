-- one row per lead of the leads file being scored (score_leads, loaded by score/leads.ts): the
-- risk model's factors for a first text to it at $as_of (worker/catalog/risk.ts; no text in the
-- 7 days before, the studio's most common hour band and kind of text), the studio's opt-out
-- rate, and what the export says against texting it (opted out, asked to stop in words, a
-- deactivated number)
with

leads as (
    select *, coalesce(source, 'unknown') as lead_source from score_leads
),

studio_texts as (
    -- the export's reached texts per studio, hour band and kind of text
    select
        studio_id,
        {{ send_hour_band }} as send_hour_band,
        campaign_type::varchar as campaign_type,
        count(*) as reached,
        count(*) filter (where count_opt_outs > 0) as opted_out,
    from int_messages_cohorts
    group by all
),

studio_rates as (
    select studio_id, (sum(opted_out) / sum(reached))::double as studio_rate
    from studio_texts
    group by studio_id
),

studio_bands as (
    select studio_id, first(send_hour_band order by reached desc, send_hour_band) as send_hour_band
    from (select studio_id, send_hour_band, sum(reached) as reached from studio_texts group by all)
    group by studio_id
),

studio_kinds as (
    select studio_id, first(campaign_type order by reached desc, campaign_type) as campaign_type
    from (select studio_id, campaign_type, sum(reached) as reached from studio_texts group by all)
    group by studio_id
),

overall as (
    -- for a studio the export does not have: every studio's texts together
    select
        (sum(opted_out) / sum(reached))::double as studio_rate,
        (select first(send_hour_band order by reached desc, send_hour_band)
            from (select send_hour_band, sum(reached) as reached from studio_texts group by all)) as send_hour_band,
        (select first(campaign_type order by reached desc, campaign_type)
            from (select campaign_type, sum(reached) as reached from studio_texts group by all)) as campaign_type,
    from studio_texts
),

known as (
    -- the export's lead of the same studio and lead_id: its last contact at or before $as_of
    select
        studio_id,
        lead_id,
        greatest(
            case when created_at <= $as_of::timestamptz then created_at end,
            case when consent_at <= $as_of::timestamptz then consent_at end,
            case when last_engaged_at <= $as_of::timestamptz then last_engaged_at end,
            list_max(list_filter(signals_at, s -> s <= $as_of::timestamptz))
        ) as known_contact_at,
    from int_leads
),

replies as (
    select studio_id, lead_key, phone, max(sent_at) as replied_at
    from int_messages_identified
    where direction = 'inbound' and sent_at <= $as_of::timestamptz
    group by all
),

replies_by_lead as (
    select studio_id, lead_key, max(replied_at) as replied_at from replies group by all
),

replies_by_phone as (
    select studio_id, phone, max(replied_at) as replied_at from replies where phone is not null group by all
),

suppressed as (
    -- the suppression list's reasons about the lead in its studio, by lead_id or by number (its
    -- deactivations are of the export's number: the leads file's number is looked up below)
    select record_no, reason, since
    from (
        select l.record_no, unnest(string_split(s.reasons, ';')) as reason, s.since
        from leads l
        join suppression_list s on s.studio_id = l.studio_id and s.lead_id = l.lead_id
        union all
        select l.record_no, unnest(string_split(s.reasons, ';')) as reason, s.since
        from leads l
        join suppression_list s on s.studio_id = l.studio_id and s.phone = l.phone
    )
    where reason <> 'deactivated'
    union all
    -- the number, listed as deactivated by a carrier (for any studio)
    select l.record_no, 'deactivated' as reason, d.deactivated_on as since
    from leads l
    join int_deactivated_numbers d on d.phone = l.phone
),

held as (
    -- every reason stands: a consent the leads file dates after it is not a re-opt-in the export
    -- knows of (a START reply, or a consent of the export's own leads, which the suppression list
    -- has already counted)
    select
        record_no,
        string_agg(distinct reason, ';' order by reason) as do_not_text,
        min(since) as do_not_text_since,
    from suppressed
    group by record_no
),

measured as (
    select
        l.*,
        true as is_known_lead,
        -- a lead created after the scoring time is being added now: 0 days old
        greatest(0, floor((epoch_us($as_of::timestamptz) - epoch_us(l.created_at)) / 86400e6))::bigint as lead_age_days,
        floor((epoch_us($as_of::timestamptz) - epoch_us(greatest(
            case when l.created_at <= $as_of::timestamptz then l.created_at end,
            -- a lead created after the scoring time is being added now: in touch now
            case when l.created_at > $as_of::timestamptz then $as_of::timestamptz end,
            case when l.consent_at <= $as_of::timestamptz then l.consent_at end,
            case when l.last_engaged_at <= $as_of::timestamptz then l.last_engaged_at end,
            k.known_contact_at,
            rl.replied_at,
            rp.replied_at
        ))) / 86400e6)::bigint as engagement_days,
        case
            when l.consent_at is null or l.consent_at > $as_of::timestamptz then 'none'
            when l.consent_method is null or l.consent_method in ('import', 'unknown') then 'unverified'
            else 'verified'
        end as consent,
        coalesce(r.studio_rate, o.studio_rate) as studio_rate,
        r.studio_id is not null as is_known_studio,
        coalesce(b.send_hour_band, o.send_hour_band) as send_hour_band,
        coalesce(c.campaign_type, o.campaign_type) as campaign_type,
    from leads l
    cross join overall o
    left join studio_rates r on r.studio_id = l.studio_id
    left join studio_bands b on b.studio_id = l.studio_id
    left join studio_kinds c on c.studio_id = l.studio_id
    left join known k on k.studio_id = l.studio_id and k.lead_id = l.lead_id
    left join replies_by_lead rl on rl.studio_id = l.studio_id and rl.lead_key = 'id:' || l.lead_id
    left join replies_by_phone rp on rp.studio_id = l.studio_id and rp.phone = l.phone
),

final as (
    select
        m.record_no,
        m.studio_id,
        m.lead_id,
        m.phone,
        m.lead_source,
        {{ score_day_keys }},
        m.consent,
        -- a first text: none in the 7 days before it, so it is the only one of its week
        '1' as frequency_7d,
        m.campaign_type,
        m.send_hour_band,
        m.studio_id as studio,
        m.lead_age_days::integer as lead_age_days,
        m.engagement_days::integer as engagement_days,
        m.studio_rate,
        m.is_known_studio,
        h.do_not_text,
        h.do_not_text_since,
    from measured m
    left join held h using (record_no)
)

select * from final order by record_no
