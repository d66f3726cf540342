// The inventory lives in core/inventory; this path is kept for the engine's callers.
export { buildInventory, createIncrementalInventory, type Inventory, type IncrementalInventory, type InventoryContext, type ObjectIdentity } from '../inventory/inventory.js';
