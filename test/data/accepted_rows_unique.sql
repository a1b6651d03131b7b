-- failing rows: a key accepted twice (duplicates must have been dropped or rejected)
select 'messages' as t, message_id as k from stg_messages group by message_id having count(*) > 1
union all
select 'leads', studio_id || '/' || lead_id from stg_leads group by studio_id, lead_id having count(*) > 1
union all
select 'studios', studio_id from stg_studios group by studio_id having count(*) > 1
