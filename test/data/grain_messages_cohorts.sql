-- failing rows: a reached message that appears more than once in int_messages_cohorts
select message_id, count(*) as n from int_messages_cohorts group by message_id having count(*) > 1
