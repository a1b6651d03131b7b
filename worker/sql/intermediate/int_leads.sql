-- one row per lead of the leads table, keyed by (studio_id, lead_key). A lead the CRM exported
-- again with other values has several versions in stg_leads (one per file that changed it, in
-- load order): its text attributes (phone, source, consent method, first name) are the latest
-- version's, created_at the earliest of any version (so the order the files are loaded in does not
-- matter), and consent_at and last_engaged_at are kept from every version, so a later export
-- cannot erase what an earlier one recorded (the fact table counts each only at or before the
-- send time)
with

leads as (
    select *, file_id::bigint * 4294967296 + record_no as version_no from stg_leads
),

latest as (
    select *
    from leads
    qualify row_number() over (partition by studio_id, lead_id order by version_no desc) = 1
),

versions as (
    select
        studio_id,
        lead_id,
        count(*)::integer as versions,
        min(created_at) as created_at,
        min(consent_at) as first_consent_at,
        max(consent_at) as consent_at,
        max(last_engaged_at) as last_engaged_at,
        -- every consent (a re-opt-in event each) and, for a lead of several versions, every
        -- consent and engagement time in order (the fact table takes the last at or before a send).
        -- A filtered list() of no rows is null, and null || a list is null: a lead whose versions
        -- have visits but no consent (or consents but no visit) would lose every earlier one
        list_sort(list_distinct(list(consent_at) filter (where consent_at is not null))) as consent_ats,
        case when count(*) > 1 then list_sort(list_distinct(
            coalesce(list(consent_at) filter (where consent_at is not null), [])
            || coalesce(list(last_engaged_at) filter (where last_engaged_at is not null), [])
        )) end as signals_at,
    from leads
    group by studio_id, lead_id
),

final as (
    select
        studio_id,
        'id:' || lead_id as lead_key,
        -- the number messages and opt-outs join on (the macro is in models.ts)
        lead_no(studio_id, 'id:' || lead_id) as lead_no,
        lead_id,
        latest.phone,
        coalesce(latest.source, 'unknown') as lead_source,
        versions.created_at,
        -- the latest consent of any version; first_consent_at the earliest (consent at a send)
        versions.consent_at,
        versions.first_consent_at,
        versions.consent_ats,
        latest.consent_method,
        versions.last_engaged_at,
        versions.signals_at,
        versions.versions,
        latest.first_name,
    from latest
    join versions using (studio_id, lead_id)
)

select * from final
