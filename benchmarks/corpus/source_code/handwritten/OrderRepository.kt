package com.acme.shop.orders

import java.time.Instant
import java.util.UUID
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

data class Order(
    val id: UUID,
    val customerId: Long,
    val items: List<OrderItem>,
    val createdAt: Instant = Instant.now(),
) {
    val total: Double
        get() = items.sumOf { it.price * it.quantity }
}

data class OrderItem(val sku: String, val quantity: Int, val price: Double)

sealed class OrderResult {
    data class Created(val order: Order) : OrderResult()
    data class Rejected(val reason: String) : OrderResult()
}

class OrderRepository(private val db: Database) {

    suspend fun findByCustomer(customerId: Long): List<Order> = withContext(Dispatchers.IO) {
        db.query("SELECT * FROM orders WHERE customer_id = ?", customerId)
            .map { row -> row.toOrder() }
    }

    suspend fun place(customerId: Long, items: List<OrderItem>): OrderResult {
        if (items.isEmpty()) {
            return OrderResult.Rejected("empty basket")
        }
        val order = Order(UUID.randomUUID(), customerId, items)
        val saved = db.insert("orders", order)
        return when {
            saved -> OrderResult.Created(order)
            else -> OrderResult.Rejected("database refused the order")
        }
    }

    fun describe(result: OrderResult): String = when (result) {
        is OrderResult.Created -> "order ${result.order.id} for ${result.order.total} EUR"
        is OrderResult.Rejected -> "rejected: ${result.reason}"
    }

    companion object {
        private const val MAX_ITEMS = 200

        fun validate(items: List<OrderItem>): Boolean =
            items.size <= MAX_ITEMS && items.all { it.quantity > 0 && it.price >= 0.0 }
    }
}

fun main() {
    val repo = OrderRepository(Database.connect("jdbc:postgresql://localhost/shop"))
    val items = listOf(OrderItem("A-100", 2, 9.99), OrderItem("B-200", 1, 24.5))
    println(OrderRepository.validate(items))
    val names = items.map { it.sku }.filter { it.startsWith("A") }
    names.forEach { println(it) }
    val first = items.firstOrNull()?.sku ?: "none"
    println("first sku: $first")
}
