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
    select m.lead_no, m.sent_at, max(m.message_id) as message_id, arg_max(m.message_no, m.message_id) as message_no
    from int_messages_identified as m
    semi join (select distinct lead_no from opt_outs) as o using (lead_no)
    where m.is_reached
    group by m.lead_no, m.sent_at
),

latest_before as (
    select
        opt_outs.*,
        reached.message_id as candidate_message_id,
        reached.message_no as candidate_message_no,
        reached.sent_at as candidate_sent_at,
    from opt_outs
    asof left join reached
        on reached.lead_no = opt_outs.lead_no
        and opt_outs.event_at >= reached.sent_at
),

final as (
    select
        studio_id,
        lead_key,
        lead_no,
        event_at as opted_out_at,
        cast(make_timestamp(epoch_us(event_at) + offsets.utc_offset_us) as date) as local_date,
        source,
        method,
        -- within the window, its end included
        -- (arithmetic on epoch microseconds: timestamptz minus timestamptz is calendar math)
        case when epoch_us(event_at) - epoch_us(candidate_sent_at) <= $attribution_hours::double * 3600e6
            then candidate_message_id end as message_id,
        case when epoch_us(event_at) - epoch_us(candidate_sent_at) <= $attribution_hours::double * 3600e6
            then candidate_message_no end as message_no,
    from latest_before
    left join studios using (studio_id)
    left join offsets
        on offsets.timezone = studios.timezone
        and offsets.bucket = floor(epoch_us(latest_before.event_at) / 900000000)::bigint
)

select * from final
