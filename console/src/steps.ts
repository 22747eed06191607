// Which SOP step an allowed action is (shown on "my work" when the resource carries no turn).
export const ACTION_STEP: Record<string, string> = {
  edit: "2",
  attach_document: "2",
  submit: "3",
  accept: "4",
  return: "4",
  start_competition: "6",
  open: "9",
  submit_offer: "10",
  revise_offer: "10",
  withdraw_offer: "10",
  evaluate: "11",
  publish: "12",
  generate_package: "13",
  process: "14",
  propose: "17",
  accept_proposal: "17a",
  reject_proposal: "17b",
  accept_counter: "17a",
  cancel: "17",
  approve: "18",
  send_to_ppk: "19",
  ppk_approve: "20a",
  ppk_reject: "20b",
  issue_purchase_order: "21",
  acknowledge_order: "22",
  amend_order: "24a",
  start_preparation: "23",
  record_shipment: "25",
  inspect_goods: "26",
  hand_over_goods: "26",
  record_payment: "26",
  complete_package: "27",
  rate: "27",
  reply: "27",
};

/** Actions that wait for someone (side actions such as an addendum do not make work). */
const SIDE = new Set(["amend_order", "cancel", "edit", "attach_document", "withdraw_offer", "revise_offer"]);

export function waitingActions(actions: string[]): string[] {
  return actions.filter((action) => !SIDE.has(action));
}

export function stepOf(actions: string[]): string | null {
  const first = waitingActions(actions)[0] ?? actions[0];
  return first ? (ACTION_STEP[first] ?? null) : null;
}
