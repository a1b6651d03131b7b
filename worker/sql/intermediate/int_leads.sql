-- one row per lead of the leads table, keyed by (studio_id, lead_key)
with

leads as (
    select * from stg_leads
),

final as (
    select
        studio_id,
        'id:' || lead_id as lead_key,
        -- the number messages and opt-outs join on (the macro is in models.ts)
        lead_no(studio_id, 'id:' || lead_id) as lead_no,
        lead_id,
        phone,
        coalesce(source, 'unknown') as lead_source,
        created_at,
        consent_at,
        consent_method,
        last_engaged_at,
        first_name,
    from leads
)

select * from final
