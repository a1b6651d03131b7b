-- failing rows: a number listed twice for the same studio in the suppression list
select studio_id, phone, count(*) as n from suppression_list group by studio_id, phone having count(*) > 1
