/**
 * The dashboard: approval inbox, audit explorer, overview, actions and
 * policies, served by the gateway at `/ui`.
 *
 * @module
 */
export { createDashboard, type DashboardApp } from './create-dashboard.js'
export type { DashboardOptions } from './dashboard-options.js'
