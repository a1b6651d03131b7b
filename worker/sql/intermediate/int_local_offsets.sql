-- one row per (time zone, 15-minute UTC bucket: epoch microseconds / 900e6) in which a message or opt-out of a studio in
-- that zone falls, with the zone's UTC offset then. Converting each row with timezone(zone, t)
-- and a zone that varies by row costs ten times a join on this small table; offsets change on
-- quarter hours, so they are constant within a bucket.
with

studios as (
    select studio_id, timezone from int_studios
),

instants as (
    select studio_id, sent_at as at from stg_messages
    union all
    select studio_id, opted_out_at from stg_opt_outs
),

studio_buckets as (
    -- distinct per studio first, then the join: the join runs on thousands of rows, not millions
    select distinct studio_id, floor(epoch_us(instants.at) / 900000000)::bigint as bucket
    from instants
),

buckets as (
    select distinct studios.timezone, studio_buckets.bucket
    from studio_buckets
    join studios using (studio_id)
),

final as (
    select
        timezone,
        bucket,
        -- local wall time minus UTC, in microseconds
        epoch_us(timezone(timezone, to_timestamp(bucket * 900))) - bucket * 900000000 as utc_offset_us,
    from buckets
)

select * from final
