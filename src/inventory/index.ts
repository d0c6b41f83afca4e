/**
 * Targets, environments and sensitivity: what actions are aimed at.
 *
 * @module
 */
export { Inventory } from './inventory.js'
export { loadInventory, parseInventoryYaml } from './load-inventory.js'
export { ENVIRONMENTS, type Environment, SENSITIVITIES, type Sensitivity, type Target } from './target.js'
export { targetTypeMismatch } from './target-type-mismatch.js'
