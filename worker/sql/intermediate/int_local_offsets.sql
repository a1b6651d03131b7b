-- one row per (time zone, 15-minute UTC bucket) in which a message or opt-out of a studio in
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

buckets as (
    select distinct studios.timezone, time_bucket(interval 15 minutes, instants.at) as bucket
    from instants
    join studios using (studio_id)
),

final as (
    select
        timezone,
        bucket,
        timezone(timezone, bucket) - timezone('UTC', bucket) as utc_offset,
    from buckets
)

select * from final
