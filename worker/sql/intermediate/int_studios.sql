-- one row per studio named anywhere in the export, with the time zone its local dates use
with

studios as (
    select studio_id, name, timezone from stg_studios
),

seen as (
    select studio_id from stg_messages
    union
    select studio_id from stg_leads
    union
    select studio_id from stg_opt_outs
    union
    select studio_id from studios
),

final as (
    select
        seen.studio_id,
        studios.name,
        coalesce(studios.timezone, $default_timezone) as timezone,
        studios.studio_id is not null as is_listed,
    from seen
    left join studios using (studio_id)
)

select * from final
