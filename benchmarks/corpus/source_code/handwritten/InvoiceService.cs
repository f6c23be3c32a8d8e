using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Acme.Billing.Services
{
    public class InvoiceService : IInvoiceService
    {
        private readonly IInvoiceRepository _repository;
        private readonly ILogger<InvoiceService> _logger;
        private const decimal VatRate = 0.20m;

        public InvoiceService(IInvoiceRepository repository, ILogger<InvoiceService> logger)
        {
            _repository = repository ?? throw new ArgumentNullException(nameof(repository));
            _logger = logger;
        }

        public int RetryCount { get; set; } = 3;

        public async Task<Invoice> CreateAsync(Customer customer, IEnumerable<OrderLine> lines)
        {
            if (customer == null)
            {
                throw new ArgumentNullException(nameof(customer));
            }
            var invoice = new Invoice
            {
                CustomerId = customer.Id,
                IssuedAt = DateTime.UtcNow,
                Lines = lines.ToList(),
            };
            invoice.TotalExclTax = invoice.Lines.Sum(l => l.Quantity * l.UnitPrice);
            invoice.Vat = Math.Round(invoice.TotalExclTax * VatRate, 2);
            foreach (var line in invoice.Lines.Where(l => l.Quantity <= 0))
            {
                _logger.LogWarning("Ignoring empty line {Sku}", line.Sku);
            }
            await _repository.SaveAsync(invoice);
            Console.WriteLine($"Invoice {invoice.Number} created for {customer.Name}");
            return invoice;
        }

        public async Task<IReadOnlyList<Invoice>> OverdueAsync(DateTime today)
        {
            var all = await _repository.ListOpenAsync();
            return all.Where(i => i.DueDate < today && !i.Paid)
                      .OrderBy(i => i.DueDate)
                      .ToList();
        }

        private static string FormatNumber(int year, int sequence)
        {
            return string.Format("FA-{0}-{1:D6}", year, sequence);
        }
    }

    public record OrderLine(string Sku, int Quantity, decimal UnitPrice);

    public interface IInvoiceService
    {
        Task<Invoice> CreateAsync(Customer customer, IEnumerable<OrderLine> lines);
        Task<IReadOnlyList<Invoice>> OverdueAsync(DateTime today);
    }
}
