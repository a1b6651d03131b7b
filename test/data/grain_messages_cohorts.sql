-- failing rows: a reached message that appears more than once in int_messages_cohorts
select message_no, count(*) as n from int_messages_cohorts group by message_no having count(*) > 1
