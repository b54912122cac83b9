# forms_lib.sh - sourced by the form tests on a demo store (t_forms.sh, t_forms_scripts.sh):
# which demo case each shipped form is printed for.  Needs q() (sqlite3 on the store).

# A case for each form: in a state after the step that prints it.
where_for() {
	case $1 in
	acknowledgement) w="c.workflow_id = 'residence'";;
	request_documents) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'missing_documents')";;
	interview_invitation) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'interview_date')";;
	decision_grant) w="c.state IN ('card_pending', 'granted') AND c.workflow_id = 'residence'";;
	decision_refusal) w="c.state = 'refused'";;
	residence_card_data) w="c.state = 'granted' AND c.workflow_id = 'residence'";;
	visa_sticker_data) w="c.state = 'issued'";;
	visa_sticker_data_ltv) w="c.state = 'issued_ltv'";;
	asylum_registration_certificate) w="c.closed_at IS NULL AND c.state NOT IN ('made', 'registered') AND EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'lodged_on')";;
	extension_notice) w="c.state IN ('assessment', 'examination') AND EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name IN ('extension_ground', 'extension_reason'))";;
	withdrawal_confirmation) w="c.state = 'withdrawn'";;
	labour_market_test_request) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'employer_name')";;
	prior_consultation_request) w="EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'consulted_states')";;
	inadmissibility_notice) w="c.state = 'inadmissible' AND c.workflow_id = 'visa'";;
	inadmissibility_decision) w="c.state IN ('inadmissible', 'inadmissible_final') AND c.workflow_id = 'asylum'";;
	dublin_transfer_decision) w="c.state IN ('dublin_transfer', 'transferred') AND EXISTS (SELECT 1 FROM case_field f WHERE f.case_id = c.id AND f.name = 'acceptance_date')";;
	*) w="0";;
	esac
}
case_for() {
	where_for "$1"
	q "SELECT c.number FROM cases c WHERE $w ORDER BY c.id LIMIT 1"
}
