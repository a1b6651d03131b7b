-- one row per new opt-out, with the reached message it is attributed to (or none)
with

opt_outs as (
    select * from int_opt_out_events where is_new_opt_out
),

studios as (
    select studio_id, timezone from int_studios
),

offsets as (
    select * from int_local_offsets
),

reached as (
    -- equal send times go to the greater message_id; only leads that opted out can be attributed to
    select m.studio_id, m.lead_key, m.sent_at, max(m.message_id) as message_id
    from int_messages_identified as m
    semi join (select distinct studio_id, lead_key from opt_outs) as o using (studio_id, lead_key)
    where m.is_reached
    group by m.studio_id, m.lead_key, m.sent_at
),

latest_before as (
    select
        opt_outs.*,
        reached.message_id as candidate_message_id,
        reached.sent_at as candidate_sent_at,
    from opt_outs
    asof left join reached
        on reached.studio_id = opt_outs.studio_id
        and reached.lead_key = opt_outs.lead_key
        and opt_outs.event_at >= reached.sent_at
),

final as (
    select
        studio_id,
        lead_key,
        event_at as opted_out_at,
        cast(make_timestamp(epoch_us(event_at) + offsets.utc_offset_us) as date) as local_date,
        source,
        method,
        -- within the window, its end included
        -- (arithmetic on epoch microseconds: timestamptz minus timestamptz is calendar math)
        case when epoch_us(event_at) - epoch_us(candidate_sent_at) <= $attribution_hours::double * 3600e6
            then candidate_message_id end as message_id,
    from latest_before
    left join studios using (studio_id)
    left join offsets
        on offsets.timezone = studios.timezone
        and offsets.bucket = floor(epoch_us(latest_before.event_at) / 900000000)::bigint
)

select * from final
