-- failing rows: a key accepted twice (duplicates must have been dropped or rejected)
-- (the staged messages are freed after the models read them: their one row each is checked)
select 'messages' as t, message_id as k from int_messages_identified group by message_id having count(*) > 1
union all
select 'leads', studio_id || '/' || lead_id from stg_leads group by studio_id, lead_id having count(*) > 1
union all
select 'studios', studio_id from stg_studios group by studio_id having count(*) > 1
